"""Drafters: turn the chosen playbook situation (and the facts) into a reply draft."""

"""One module per ``agent-assist`` sub-command."""

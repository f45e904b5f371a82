"""Conversation-aware assist: reading a chat turn by turn, choosing the procedure step, filling
the hand-off ticket (docs/conversation.md)."""

"""Ticket search: full text and word parts over subjects, descriptions and the conversation."""

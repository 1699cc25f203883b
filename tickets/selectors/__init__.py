"""Read queries for tickets: each returns a QuerySet or plain values with the access check built in."""

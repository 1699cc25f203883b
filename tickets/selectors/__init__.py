"""Read queries for tickets: QuerySets or plain values with the access check built in."""

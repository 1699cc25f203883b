"""Every state change of a ticket is a function here, named <entity>_<action>.

Each one is atomic, writes the change and its history row together, recomputes the SLA state
through the pure engine (tickets.services.sla) and defers side effects until after commit.
"""

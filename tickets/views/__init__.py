"""Views by audience: customer.py (contacts), staff.py (queue and workspace), dashboard.py."""

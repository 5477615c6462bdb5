"""brmgraph — relationship intelligence for B2B sales teams (BRM model of CRM 3.0)."""

__version__ = "0.1.0"

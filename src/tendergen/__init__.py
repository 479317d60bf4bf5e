"""tendergen: Swedish municipal IT tender documents from a reviewed, rule-selected clause library."""

__version__ = "0.1.0"

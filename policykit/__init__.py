"""policykit: rules engine and official-document generator for mine-remediation campaigns."""
__version__ = "0.1.0"

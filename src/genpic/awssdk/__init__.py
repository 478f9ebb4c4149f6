"""botocore plumbing below the backends: clients and the translation of SDK errors."""

"""AWS adapters: boto3 clients, error translation, Lambda events and handlers."""

"""Image engines: Bedrock (Stability models) and the offline preview."""

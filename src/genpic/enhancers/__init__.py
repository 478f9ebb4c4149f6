"""Prompt enhancers: Bedrock Converse and the offline template."""

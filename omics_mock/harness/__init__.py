"""How users reach the service: activation, interception, the control API, fixtures,
server mode and the command line (see docs/architecture.md)."""

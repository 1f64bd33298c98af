"""The service's routes, one blueprint per resource; handoff.service.app wires them."""

"""Steering the desk: the desk's sections of handoff.yml (costs, staffing, kill switch,
load rules), the kill switch with its automatic rule, and the rules that adapt the
handoff to how busy the desk is."""

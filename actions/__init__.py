"""Custom actions of the shop assistant, one module per skill.

rasa-sdk imports every module of this package to find actions, so no module here
does any work at import time: stores and settings are built by the factories in
``actions.services`` on first use.
"""

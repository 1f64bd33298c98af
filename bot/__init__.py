"""The shop assistant's Rasa side: launcher, compatibility patches, NLU components."""

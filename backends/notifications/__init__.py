"""Dossier notifications: who wants to hear about which dossier, and which notices were already sent."""

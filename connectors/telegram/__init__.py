"""The Telegram channel (python-telegram-bot 22): a webhook inside the gateway, or long polling for operators
without a public URL. Both run the same handlers (:mod:`connectors.telegram.handlers`)."""

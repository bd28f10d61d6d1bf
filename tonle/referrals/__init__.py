"""Access to services: providers, referrals made with consent, and services delivered."""

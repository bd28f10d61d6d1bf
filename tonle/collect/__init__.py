"""Data coming in: uploads and their rows, kept exactly as they arrived before anything is applied."""

"""Demo data: the CCDO project of the 2023 closing report, generated deterministically."""

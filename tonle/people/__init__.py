"""The participant registry: the women and girls a program works with."""

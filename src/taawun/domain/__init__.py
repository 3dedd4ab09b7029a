"""The vocabulary of Taawun: enums and validated value types, free of any I/O."""

"""One module per output format: each turns the composed artwork into that format's bytes."""

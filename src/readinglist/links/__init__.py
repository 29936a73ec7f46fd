"""Link health: which entries point at dead, moved or blocked pages."""

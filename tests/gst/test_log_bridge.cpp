// STUB: replaced by the real test.
int main() { return 77; }

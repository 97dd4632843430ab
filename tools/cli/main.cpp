#include <cstdio>

int main() {
  std::puts("faceveil");
  return 0;
}

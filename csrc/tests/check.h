// A minimal test harness: TEST(name) registers a case, CHECK records failures, run_all()
// prints one closing line "N passed, M failed" and returns the exit status.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace tritonlink::testing {

struct Case {
  const char* name;
  std::function<void()> body;
};

inline std::vector<Case>& cases() {
  static std::vector<Case> all;
  return all;
}

inline int& failures_in_current_case() {
  static int failures = 0;
  return failures;
}

struct Register {
  Register(const char* name, std::function<void()> body) { cases().push_back({name, std::move(body)}); }
};

inline int run_all() {
  int passed = 0, failed = 0;
  for (const auto& c : cases()) {
    failures_in_current_case() = 0;
    c.body();
    if (failures_in_current_case() == 0) {
      ++passed;
    } else {
      ++failed;
      std::printf("FAILED %s\n", c.name);
    }
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace tritonlink::testing

#define TEST(name)                                                      \
  static void name();                                                   \
  static ::tritonlink::testing::Register register_##name(#name, &name); \
  static void name()

#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      std::printf("  %s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++::tritonlink::testing::failures_in_current_case();                   \
    }                                                                        \
  } while (0)

// SystemSharedMemory: creating, opening, unlinking and refusing, without Python.
#include <sys/stat.h>

#include <unistd.h>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>

#include "check.h"
#include "system_shared_memory.h"

using tritonlink::SystemSharedMemory;

namespace {

std::string fresh_key(const char* what) { return "/tritonlink_cpp_test_" + std::to_string(getpid()) + "_" + what; }

bool exists(const std::string& key) {
  struct stat info {};
  return stat(("/dev/shm" + key).c_str(), &info) == 0;
}

template <typename Exception, typename F>
bool throws(F f) {
  try {
    f();
  } catch (const Exception&) {
    return true;
  }
  return false;
}

TEST(created_memory_is_zeroed_shared_with_openers_and_unlinked_on_close) {
  const std::string key = fresh_key("shared");
  SystemSharedMemory made = SystemSharedMemory::create(key, 4096);
  CHECK(made.created() && made.size() == 4096 && exists(key));
  CHECK(made.data()[0] == 0 && made.data()[4095] == 0);
  {
    SystemSharedMemory opened = SystemSharedMemory::open(key, 1024);
    std::memcpy(made.data(), "peer", 4);
    CHECK(std::memcmp(opened.data(), "peer", 4) == 0);
    CHECK(!opened.created());
  }
  CHECK(exists(key));  // an opener leaves the object
  CHECK(SystemSharedMemory::open_whole(key).size() == 4096);
  made.close();
  CHECK(!made.is_open() && !exists(key));
  made.close();  // twice is harmless
}

TEST(unlink_removes_the_name_and_keeps_the_mapping) {
  const std::string key = fresh_key("unlink");
  SystemSharedMemory made = SystemSharedMemory::create(key, 64);
  made.unlink();
  CHECK(!exists(key) && made.is_open());
  made.data()[63] = 1;
}

TEST(moving_hands_over_the_mapping) {
  const std::string key = fresh_key("move");
  SystemSharedMemory first = SystemSharedMemory::create(key, 64);
  SystemSharedMemory second = std::move(first);
  CHECK(!first.is_open() && second.is_open() && second.created());
  second = SystemSharedMemory::create(fresh_key("move2"), 8);  // closes (and unlinks) the first object
  CHECK(!exists(key));
}

TEST(bad_keys_missing_objects_and_short_objects_are_refused) {
  for (const char* key : {"", "/", "no_slash", "/a/b"}) {
    CHECK(throws<std::invalid_argument>([&] { SystemSharedMemory::create(key, 8); }));
  }
  CHECK(throws<std::system_error>([] { SystemSharedMemory::open(fresh_key("missing"), 8); }));
  const std::string key = fresh_key("short");
  SystemSharedMemory made = SystemSharedMemory::create(key, 8);
  CHECK(throws<std::invalid_argument>([&] { SystemSharedMemory::open(key, 9); }));
  CHECK(throws<std::system_error>([&] { SystemSharedMemory::create(key, 8); }));
}

}  // namespace

int main() { return tritonlink::testing::run_all(); }

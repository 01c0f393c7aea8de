// An environment variable set for one test and given back: cases of one file may share a
// process (the sanitizer run executes a whole file at once), so no case may leave its settings
// behind for the next.
#pragma once

#include <cstdlib>
#include <string>

namespace c4::test {

// Sets (or, with nullptr, unsets) an environment variable for the life of the object and
// restores the previous state.
class EnvVar {
 public:
  EnvVar(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) {
      old_ = old;
      had_ = true;
    }
    if (value) ::setenv(name, value, 1);
    else ::unsetenv(name);
  }
  ~EnvVar() {
    if (had_) ::setenv(name_.c_str(), old_.c_str(), 1);
    else ::unsetenv(name_.c_str());
  }

 private:
  std::string name_, old_;
  bool had_ = false;
};

}  // namespace c4::test

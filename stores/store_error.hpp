// StoreError: a database store could not do what a transaction asked.
#pragma once

#include <stdexcept>

namespace unwedge::stores {

struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace unwedge::stores

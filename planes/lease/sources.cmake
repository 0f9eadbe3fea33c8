# The lease plane's sources, named relative to planes/lease/: read by
# planes/lease/CMakeLists.txt in unwedge's own build and by
# examples/lease_out_of_tree/CMakeLists.txt, which compiles the same files
# against the installed package.
set(UNWEDGE_LEASE_SOURCES
  agent.cpp
  console.cpp
  entities.cpp
  entity_codecs.cpp
  keeper_steps.cpp
  lease_keys.cpp
  machines.cpp
  model.cpp
  plane.cpp
  role_actions.cpp
  settings_text.cpp
  tables.cpp
)
# The files with mutation points (UNWEDGE_LEASE_MUTANT).
set(UNWEDGE_LEASE_MUTABLE
  keeper_signals.cpp
  lease_actions.cpp
)
# The plane's registration (UNWEDGE_REGISTER_CONTROL_PLANE), compiled into
# every program that links the plane.
set(UNWEDGE_LEASE_REGISTRATION registration.cpp)

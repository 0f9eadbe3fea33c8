# The goal plane's sources, named relative to planes/goal/, read by
# planes/goal/CMakeLists.txt.
set(UNWEDGE_GOAL_SOURCES
  agent.cpp
  entities.cpp
  entity_codecs.cpp
  goal_keys.cpp
  keeper_actions.cpp
  keeper_walk.cpp
  model.cpp
  monitor.cpp
  monitor_actions.cpp
  plane.cpp
  service_machine.cpp
  settings_text.cpp
)
# The files with mutation points (UNWEDGE_GOAL_MUTANT).
set(UNWEDGE_GOAL_MUTABLE
  monitor_table.cpp
  node_machine.cpp
)
# The plane's registration (UNWEDGE_REGISTER_CONTROL_PLANE), compiled into
# every program that links the plane.
set(UNWEDGE_GOAL_REGISTRATION registration.cpp)

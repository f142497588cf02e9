# grhost_add_plugin(<target> SOURCES <files...> [LINK_LIBRARIES <libs...>])
#
# Builds a grhost plugin: a MODULE library named <target>.so, linked against
# grhost::sdk, with hidden visibility and a version script so that the only
# exported symbol is grhost_plugin_entry, and with --no-undefined so that a
# missing symbol fails the link instead of the host's dlopen.
function(grhost_add_plugin target)
  cmake_parse_arguments(ARG "" "" "SOURCES;LINK_LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "grhost_add_plugin(${target}): SOURCES is required")
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE grhost::sdk ${ARG_LINK_LIBRARIES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${target} PRIVATE
    "LINKER:--version-script=${CMAKE_CURRENT_FUNCTION_LIST_DIR}/grhost_plugin.map"
    "LINKER:--no-undefined")
endfunction()

# cmake -DWEB_DIR=<dir> -DOUTPUT=<file.cpp> -P embed_web.cmake
#
# Turns every file of WEB_DIR into a byte array in one generated C++ file
# defining faceveil::server::WebAssets(). Bytes, not string literals: the
# files may hold any character, and the compiler needs no escaping rules.
file(GLOB _files RELATIVE "${WEB_DIR}" "${WEB_DIR}/*")
list(SORT _files)
set(_arrays "")
set(_table "")
set(_i 0)
foreach(_name IN LISTS _files)
  if(IS_DIRECTORY "${WEB_DIR}/${_name}")
    continue()
  endif()
  get_filename_component(_ext "${_name}" LAST_EXT)
  string(TOLOWER "${_ext}" _ext)
  if(_ext STREQUAL ".html")
    set(_type "text/html; charset=utf-8")
  elseif(_ext STREQUAL ".js" OR _ext STREQUAL ".mjs")
    set(_type "text/javascript; charset=utf-8")
  elseif(_ext STREQUAL ".css")
    set(_type "text/css; charset=utf-8")
  elseif(_ext STREQUAL ".svg")
    set(_type "image/svg+xml")
  elseif(_ext STREQUAL ".jpg" OR _ext STREQUAL ".jpeg")
    set(_type "image/jpeg")
  elseif(_ext STREQUAL ".png")
    set(_type "image/png")
  elseif(_ext STREQUAL ".ico")
    set(_type "image/x-icon")
  elseif(_ext STREQUAL ".json" OR _ext STREQUAL ".webmanifest")
    set(_type "application/json")
  else()
    message(FATAL_ERROR "embed_web.cmake: no content type for ${_name}")
  endif()
  file(READ "${WEB_DIR}/${_name}" _hex HEX)
  string(LENGTH "${_hex}" _hex_len)
  math(EXPR _size "${_hex_len} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_hex}")
  string(APPEND _arrays "alignas(16) const unsigned char kFile${_i}[] = {${_bytes}0x00};\n")
  string(APPEND _table
    "    {\"/${_name}\", \"${_type}\",\n"
    "     {reinterpret_cast<const char*>(kFile${_i}), ${_size}}},\n")
  math(EXPR _i "${_i} + 1")
endforeach()
if(_i EQUAL 0)
  message(FATAL_ERROR "embed_web.cmake: no files in ${WEB_DIR}")
endif()
string(CONCAT _content
"// Generated from ${WEB_DIR} by embed_web.cmake. Do not edit.\n"
"#include \"web_assets.h\"\n\n"
"namespace faceveil::server {\n"
"namespace {\n${_arrays}}  // namespace\n\n"
"std::span<const WebAsset> WebAssets() {\n"
"  static const WebAsset kAssets[] = {\n${_table}  };\n"
"  return kAssets;\n"
"}\n\n"
"}  // namespace faceveil::server\n")
file(WRITE "${OUTPUT}.tmp" "${_content}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUTPUT}.tmp" "${OUTPUT}")
file(REMOVE "${OUTPUT}.tmp")

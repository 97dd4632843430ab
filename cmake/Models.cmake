# Checks the model files named in models/models.txt against their pinned
# SHA-256 and embeds those marked "embed" into the library, so the binary
# carries its models and runs from any directory.
#
# Each embedded model becomes two symbols, faceveil_model_<name> and
# faceveil_model_<name>_end, in read-only data aligned to 16 bytes
# (flatbuffers verifies alignment of the buffer it reads).

file(STRINGS "${PROJECT_SOURCE_DIR}/models/models.txt" _fv_model_lines)
set(FACEVEIL_EMBEDDED_MODELS "")
# What `faceveil --version` says of each embedded model: its npm package (or
# "faceveil's own" for a committed one) and the start of its pinned SHA-256,
# as C string literals, one per model.
set(FACEVEIL_MODEL_VERSIONS "")
set(_fv_asm "")
foreach(_line IN LISTS _fv_model_lines)
  if(_line MATCHES "^[ \t]*#" OR _line MATCHES "^[ \t]*$")
    continue()
  endif()
  string(REGEX REPLACE "[ \t]+" ";" _fields "${_line}")
  list(GET _fields 0 _name)
  list(GET _fields 2 _path)
  list(GET _fields 3 _sha)
  list(GET _fields 4 _use)
  list(GET _fields 1 _spec)
  get_filename_component(_ext "${_path}" LAST_EXT)
  if(_spec STREQUAL "repo")
    # Trained here and committed (train/, docs/): read in place.
    set(_file "${PROJECT_SOURCE_DIR}/${_path}")
  else()
    set(_file "${FACEVEIL_MODEL_DIR}/${_name}${_ext}")
  endif()
  set(FACEVEIL_MODEL_${_name} "${_file}")
  if(NOT _use STREQUAL "embed")
    continue()
  endif()
  if(NOT EXISTS "${_file}")
    message(FATAL_ERROR "Model ${_file} is missing: run scripts/fetch-models.sh")
  endif()
  file(SHA256 "${_file}" _actual)
  if(NOT _actual STREQUAL _sha)
    message(FATAL_ERROR "Model ${_file} has SHA-256 ${_actual}, expected ${_sha}")
  endif()
  list(APPEND FACEVEIL_EMBEDDED_MODELS "${_file}")
  if(_spec STREQUAL "repo")
    set(_origin "faceveil's own, ${_path}")
  else()
    set(_origin "${_spec}")
  endif()
  string(SUBSTRING "${_sha}" 0 12 _short_sha)
  string(APPEND FACEVEIL_MODEL_VERSIONS
         "\n  \"  ${_name}: ${_origin} (sha256 ${_short_sha})\\n\"")
  string(APPEND _fv_asm
    "  .section .rodata.faceveil_model_${_name},\"a\"\n"
    "  .balign 16\n"
    "  .global faceveil_model_${_name}\n"
    "faceveil_model_${_name}:\n"
    "  .incbin \"${_file}\"\n"
    "  .global faceveil_model_${_name}_end\n"
    "faceveil_model_${_name}_end:\n")
endforeach()
string(APPEND _fv_asm "  .section .note.GNU-stack,\"\",@progbits\n")
set(FACEVEIL_MODELS_ASM "${PROJECT_BINARY_DIR}/generated/embedded_models.S")
file(CONFIGURE OUTPUT "${FACEVEIL_MODELS_ASM}" CONTENT "${_fv_asm}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             "${PROJECT_SOURCE_DIR}/models/models.txt" ${FACEVEIL_EMBEDDED_MODELS})

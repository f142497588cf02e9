# Installs grhost to a temporary prefix, builds the out-of-tree plugin
# project against that prefix only, and runs it in a manifest with the
# installed grhost. Run by CTest with -DSOURCE_DIR -DBUILD_DIR -DWORK_DIR
# -DGRHOST -DGENERATOR.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")

function(step name)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${name} failed (${rc}):\n${out}\n${err}")
  endif()
  set(step_output "${out}${err}" PARENT_SCOPE)
endfunction()

step("install" ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
foreach(f include/grhost/grhost.h include/grhost/plugin.hpp lib/cmake/grhost/grhostConfig.cmake bin/grhost)
  if(NOT EXISTS "${prefix}/${f}")
    message(FATAL_ERROR "the install lacks ${f}")
  endif()
endforeach()

# Only the temporary prefix is searched: the plugin cannot see the source tree.
step("configure" ${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/sdk_consumer" -B "${WORK_DIR}/build" -G "${GENERATOR}"
     "-DCMAKE_PREFIX_PATH=${prefix}" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
step("build" ${CMAKE_COMMAND} --build "${WORK_DIR}/build")
set(lib "${WORK_DIR}/build/toy_plugins.so")

step("plugins" "${prefix}/bin/grhost" plugins --plugin-path "${lib}")
foreach(expected "dataset  toy-blobs" "model    toy-embedder" "model    toy-linear" "model    toy-letters" "attack   toy-step"
                 "task     nearest-mean" "task     few-shot")
  string(FIND "${step_output}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "grhost plugins does not list '${expected}':\n${step_output}")
  endif()
endforeach()

file(WRITE "${WORK_DIR}/experiment.yaml" "
seed: 4
output: out
datasets:
  - {id: blobs, plugin: toy-blobs, options: {classes: 4, per_class: 6}}
models:
  - {id: toy, plugin: toy-embedder, options: {classes: 4, per_class: 6}}
tasks:
  - plugin: nearest-mean
  - {plugin: few-shot, options: {shots: [1, 3], trials: 4}}
")
step("run" "${prefix}/bin/grhost" run "${WORK_DIR}/experiment.yaml" --plugin-path "${lib}")

file(READ "${WORK_DIR}/out/results.csv" csv)
# Well-separated classes: the nearest mean is always right, and so is few-shot.
foreach(expected
    "toy,blobs,test,nearest-mean,nearest-mean,,accuracy,,1,,,,\n"
    "toy,blobs,test,few-shot,few-shot,shots=3;score=cosine,accuracy,,1,1,0,0,4\n")
  string(FIND "${csv}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "results.csv lacks the row '${expected}':\n${csv}")
  endif()
endforeach()
if(NOT EXISTS "${WORK_DIR}/out/matrices/nearest-mean/blobs/toy/class_means.npy")
  message(FATAL_ERROR "the task's matrix was not written")
endif()
file(READ "${WORK_DIR}/out/run.json" run_json)
string(FIND "${run_json}" "\"file\": \"${lib}\"" at)
if(at EQUAL -1)
  message(FATAL_ERROR "run.json does not record the plugin file:\n${run_json}")
endif()

# The out-of-tree attack, selected in a manifest and run by the shipped
# robustness task on the out-of-tree live model. Class values are 10/255
# apart, so a step of 0.01 leaves every prediction alone and one of 0.05
# moves every image past its neighbour's midpoint.
file(WRITE "${WORK_DIR}/attack.yaml" "
seed: 4
output: attack-out
datasets:
  - {id: blobs, plugin: toy-blobs, options: {classes: 4, per_class: 6}}
models:
  - {id: lin, plugin: toy-linear, options: {classes: 4}}
attacks:
  - {id: step, plugin: toy-step}
tasks:
  - {plugin: robustness, attacks: [step], options: {epsilons: [0, 0.01, 0.05], samples: 0, batch_size: 5}}
")
step("run attack" "${prefix}/bin/grhost" run "${WORK_DIR}/attack.yaml" --plugin-path "${lib}")
file(READ "${WORK_DIR}/attack-out/results.csv" csv)
foreach(expected
    "lin,blobs,test,robustness,robustness,images=24,clean_accuracy,,1,"
    "lin,blobs,test,robustness,robustness,attack=step;epsilon=0;targeted=false,success_rate,,0,"
    "lin,blobs,test,robustness,robustness,attack=step;epsilon=0.01;targeted=false,success_rate,,0,"
    "lin,blobs,test,robustness,robustness,attack=step;epsilon=0.05;targeted=false,success_rate,,1,")
  string(FIND "${csv}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "results.csv lacks the row '${expected}':\n${csv}")
  endif()
endforeach()
# The out-of-tree language model beside the embedder in the shipped RSA task,
# and left out of few-shot. Letter counts of blob-a and blob-c (unit vectors
# of a:1 b:2 l:1 o:1 and b:2 c:1 l:1 o:1) are sqrt(2/7) = 0.5345 apart.
file(WRITE "${WORK_DIR}/rsa.yaml" "
seed: 4
output: rsa-out
datasets:
  - {id: blobs, plugin: toy-blobs, options: {classes: 4, per_class: 6}}
models:
  - {id: toy, plugin: toy-embedder, options: {classes: 4, per_class: 6}}
  - {id: letters, plugin: toy-letters, family: language}
tasks:
  - plugin: rsa
  - {plugin: few-shot, options: {shots: [1], trials: 1}}
")
step("run rsa" "${prefix}/bin/grhost" run "${WORK_DIR}/rsa.yaml" --plugin-path "${lib}")
file(READ "${WORK_DIR}/rsa-out/results.csv" csv)
foreach(expected "letters,blobs,test,rsa,rsa,split=test;distance=tstat;spread=dimension;ddof=1;with=letters,rdm_pearson,,1,"
                 "toy,blobs,test,rsa,rsa,split=test;distance=tstat;spread=dimension;ddof=1;with=letters,rdm_pearson,")
  string(FIND "${csv}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "results.csv lacks the row '${expected}':\n${csv}")
  endif()
endforeach()
string(FIND "${csv}" "letters,blobs,test,few-shot" at)
if(NOT at EQUAL -1)
  message(FATAL_ERROR "few-shot ran on the language model:\n${csv}")
endif()
execute_process(COMMAND /usr/bin/python3 -c
  "import numpy; r = numpy.load('${WORK_DIR}/rsa-out/matrices/rsa/blobs/rdm_letters.npy'); print(round(float(r[0, 2]), 4))"
  OUTPUT_VARIABLE distance OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT distance STREQUAL "0.5345")
  message(FATAL_ERROR "the letter model's RDM between blob-a and blob-c is '${distance}', expected 0.5345")
endif()
message(STATUS "out-of-tree plugin built against the installed SDK and run: OK")

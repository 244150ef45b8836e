# CPack: Debian packages from the install components (cpack -G DEB in the build folder, or Scripts/package-check.sh).
# Depends come from dpkg-shlibdeps for every ELF file, plus what is loaded at run time or needed to build against.
set(CPACK_PACKAGE_NAME capstan)
set(CPACK_PACKAGE_VENDOR "Capstan")
set(CPACK_PACKAGE_CONTACT "Capstan developers <capstan@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR "")

set(CPACK_DEB_COMPONENT_INSTALL ON)
# A build without the app, the plugins or the module (CAPSTAN_BUILD_PLUGINS=OFF, no pybind11) packages the rest.
set(CPACK_COMPONENTS_ALL cli lib dev)
if(TARGET CapstanApp)
    list(APPEND CPACK_COMPONENTS_ALL app)
endif()
if(TARGET CapstanCapture_VST3 OR TARGET CapstanCapture_LV2)
    list(APPEND CPACK_COMPONENTS_ALL plugins)
endif()
if(TARGET capstan_python)
    list(APPEND CPACK_COMPONENTS_ALL python)
endif()
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION sound)

# The tool and the app are one package; the group's name is the package's name.
set(CPACK_COMPONENT_CLI_GROUP capstan)
set(CPACK_COMPONENT_APP_GROUP capstan)
set(CPACK_COMPONENT_LIB_GROUP lib)
set(CPACK_COMPONENT_DEV_GROUP dev)
set(CPACK_COMPONENT_PLUGINS_GROUP plugins)
set(CPACK_COMPONENT_PYTHON_GROUP python)
set(CPACK_COMPONENT_DEV_DEPENDS lib)

set(CPACK_DEBIAN_CAPSTAN_PACKAGE_NAME capstan)
set(CPACK_COMPONENT_GROUP_CAPSTAN_DESCRIPTION "real-time audio/video recorder on FFmpeg: the capstan tool and the app
 capstan encodes, records (several outputs at once, never blocking the audio
 thread), streams and visualizes audio and video; capstan-app records an audio
 input through a chain of VST3/LV2 plugins.")
# JUCE opens X11 and JACK with dlopen, so dpkg-shlibdeps cannot see them; the visualizer draws its label in DejaVu.
set(CAPSTAN_DEB_X11 "libx11-6, libxext6, libxrandr2, libxinerama1, libxcursor1, libxrender1")
set(CPACK_DEBIAN_CAPSTAN_PACKAGE_DEPENDS "fonts-dejavu-core, ${CAPSTAN_DEB_X11}")
set(CPACK_DEBIAN_CAPSTAN_PACKAGE_RECOMMENDS "libjack-jackd2-0 | libjack0")

capstan_soversion(soversion)
set(CPACK_DEBIAN_LIB_PACKAGE_NAME libcapstan${soversion})
set(CPACK_DEBIAN_LIB_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_LIB_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_COMPONENT_GROUP_LIB_DESCRIPTION "Capstan's core libraries: StreamWriter and the real-time Recorder
 libcapstan_media (encode audio/video chunks into any FFmpeg format and
 destination, byte-identical however the input is chunked) and
 libcapstan_realtime (a lock-free real-time recorder).")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libcapstan-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# What CapstanConfig.cmake and capstan.pc look for on the consumer's machine.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "libavcodec-dev, libavformat-dev, libavutil-dev, libswresample-dev, \
libswscale-dev, libavfilter-dev, libavdevice-dev, libconcurrentqueue-dev, libreaderwriterqueue-dev, \
pkg-config | pkgconf")
set(CPACK_COMPONENT_GROUP_DEV_DESCRIPTION "Capstan's core libraries: headers, static libraries, CMake and pkg-config
 find_package(Capstan) gives Capstan::media and Capstan::realtime (shared) and
 their _static variants; pkg-config capstan gives the same flags.")

set(CPACK_DEBIAN_PLUGINS_PACKAGE_NAME capstan-plugins)
set(CPACK_DEBIAN_PLUGINS_PACKAGE_DEPENDS "fonts-dejavu-core, ${CAPSTAN_DEB_X11}")
set(CPACK_COMPONENT_GROUP_PLUGINS_DESCRIPTION "Capstan Capture: a plugin (VST3, LV2) that records the track it is on
 Installed in /usr/lib/vst3 and /usr/lib/lv2, where hosts (Ardour, Reaper,
 Bitwig, Carla...) scan for plugins.")

set(CPACK_DEBIAN_PYTHON_PACKAGE_NAME python3-capstan)
set(CPACK_DEBIAN_PYTHON_PACKAGE_SECTION python)
# The module is built for one interpreter (its ABI tag is in the file name) and imports numpy.
if(CAPSTAN_PYTHON_INTERPRETER)
    execute_process(COMMAND ${CAPSTAN_PYTHON_INTERPRETER} -c "import sys; print(sys.version_info[1])"
        OUTPUT_VARIABLE minor OUTPUT_STRIP_TRAILING_WHITESPACE)
    math(EXPR next "${minor} + 1")
    set(CPACK_DEBIAN_PYTHON_PACKAGE_DEPENDS "python3 (>= 3.${minor}), python3 (<< 3.${next}), python3-numpy")
endif()
set(CPACK_COMPONENT_GROUP_PYTHON_DESCRIPTION "Capstan's StreamWriter for Python: a drop-in for torchaudio's
 capstan.StreamWriter has torchaudio.io.StreamWriter's names, arguments and
 defaults, on numpy arrays and torch tensors.")

include(CPack)

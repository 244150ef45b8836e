// The JUCE module sources are added to capstan_juce by its CMake target (they are INTERFACE sources of JUCE's module
// targets); a static library needs at least one source of its own.
namespace capstan::juceModules
{
int anchor = 0;
}

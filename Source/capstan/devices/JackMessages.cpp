#include "JackMessages.h"

#include <cstdlib>
#include <dlfcn.h>
#include <initializer_list>

namespace capstan
{
namespace
{
void silentJackMessage(const char*) {}
} // namespace

void quietenJack()
{
    ::setenv("JACK_NO_START_SERVER", "1", 0);
    if (void* jack = ::dlopen("libjack.so.0", RTLD_LAZY | RTLD_LOCAL)) // stays loaded: JUCE and ALSA use it too
    {
        using SetHandler = void (*)(void (*)(const char*));
        for (const char* setter : {"jack_set_error_function", "jack_set_info_function"})
            if (auto set = reinterpret_cast<SetHandler>(::dlsym(jack, setter)))
                set(silentJackMessage);
    }
}

} // namespace capstan

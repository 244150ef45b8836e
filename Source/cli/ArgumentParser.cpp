#include "ArgumentParser.h"

#include <algorithm>
#include <charconv>

namespace capstan::cli
{

bool ParsedArguments::has(const std::string& name) const
{
    return values.count(name) > 0;
}

std::string ParsedArguments::get(const std::string& name, const std::string& fallback) const
{
    return getOptional(name).value_or(fallback);
}

std::optional<std::string> ParsedArguments::getOptional(const std::string& name) const
{
    const auto it = values.find(name);
    if (it == values.end() || it->second.empty())
        return std::nullopt;
    return it->second.back();
}

std::vector<std::string> ParsedArguments::getAll(const std::string& name) const
{
    const auto it = values.find(name);
    return it == values.end() ? std::vector<std::string>{} : it->second;
}

std::optional<int64_t> ParsedArguments::getInt(const std::string& name, int64_t minimum, int64_t maximum) const
{
    const auto text = getOptional(name);
    if (!text)
        return std::nullopt;
    int64_t value = 0;
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size() || value < minimum || value > maximum)
        throw UsageError("--" + name + " takes an integer from " + std::to_string(minimum) + " to " +
                         std::to_string(maximum) + ", got '" + *text + "'");
    return value;
}

std::vector<std::pair<std::string, std::string>> ParsedArguments::getKeyValues(const std::string& name) const
{
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const auto& text : getAll(name))
    {
        const auto equals = text.find('=');
        if (equals == std::string::npos || equals == 0)
            throw UsageError("--" + name + " takes KEY=VALUE, got '" + text + "'");
        pairs.emplace_back(text.substr(0, equals), text.substr(equals + 1));
    }
    return pairs;
}

std::string ParsedArguments::positional(const std::string& name) const
{
    const auto it = positionals.find(name);
    return it == positionals.end() ? std::string{} : it->second;
}

ArgumentParser::ArgumentParser(std::string commandIn, std::string summaryIn)
    : command(std::move(commandIn)), summary(std::move(summaryIn))
{
}

ArgumentParser& ArgumentParser::positional(const std::string& name, const std::string& help, bool required)
{
    positionals.push_back({name, {}, help, false, false, required});
    return *this;
}

ArgumentParser& ArgumentParser::flag(const std::string& name, const std::string& help)
{
    options.push_back({name, {}, help, false, false, false});
    return *this;
}

ArgumentParser& ArgumentParser::option(const std::string& name, const std::string& valueName, const std::string& help,
                                       bool repeatable)
{
    options.push_back({name, valueName, help, true, repeatable, false});
    return *this;
}

ArgumentParser& ArgumentParser::epilog(const std::string& text)
{
    epilogText = text;
    return *this;
}

const ArgumentParser::Spec* ArgumentParser::findOption(const std::string& name) const
{
    const auto it = std::find_if(options.begin(), options.end(), [&](const Spec& s) { return s.name == name; });
    return it == options.end() ? nullptr : &*it;
}

ParsedArguments ArgumentParser::parse(const std::vector<std::string>& args) const
{
    ParsedArguments parsed;
    std::vector<std::string> free;
    bool optionsEnded = false;

    for (size_t i = 0; i < args.size(); ++i)
    {
        const std::string& arg = args[i];
        if (optionsEnded || arg == "-" || arg.size() < 2 || arg[0] != '-')
        {
            free.push_back(arg);
            continue;
        }
        if (arg == "--")
        {
            optionsEnded = true;
            continue;
        }
        if (arg == "-h" || arg == "--help")
        {
            parsed.help = true;
            return parsed; // help wins over everything else on the line
        }
        if (arg.rfind("--", 0) != 0)
            throw UsageError("unknown option '" + arg + "' for " + command + " (see " + command + " --help)");

        std::string name = arg.substr(2);
        std::optional<std::string> inlineValue;
        if (const auto equals = name.find('='); equals != std::string::npos)
        {
            inlineValue = name.substr(equals + 1);
            name.resize(equals);
        }
        const Spec* spec = findOption(name);
        if (spec == nullptr)
            throw UsageError("unknown option '--" + name + "' for " + command + " (see " + command + " --help)");

        if (!spec->takesValue)
        {
            if (inlineValue)
                throw UsageError("--" + name + " takes no value");
            parsed.values[name].emplace_back();
            continue;
        }
        std::string value;
        if (inlineValue)
            value = *inlineValue;
        else if (i + 1 < args.size())
            value = args[++i];
        else
            throw UsageError("--" + name + " needs a value (" + spec->valueName + ")");
        auto& slot = parsed.values[name];
        if (!spec->repeatable)
            slot.clear();
        slot.push_back(value);
    }

    size_t index = 0;
    for (const auto& spec : positionals)
    {
        if (index < free.size())
            parsed.positionals[spec.name] = free[index++];
        else if (spec.required)
            throw UsageError(command + " needs " + spec.name + " (see " + command + " --help)");
    }
    if (index < free.size())
        throw UsageError("unexpected argument '" + free[index] + "' for " + command + " (see " + command + " --help)");
    return parsed;
}

std::string ArgumentParser::helpText() const
{
    std::string text = "usage: " + command;
    if (!options.empty())
        text += " [options]";
    for (const auto& p : positionals)
        text += p.required ? " " + p.name : " [" + p.name + "]";
    text += "\n\n" + summary + "\n";

    const auto row = [](std::string left, const std::string& help)
    {
        if (left.size() < 30)
            left.resize(30, ' ');
        else
            left += "\n" + std::string(30, ' ');
        return "  " + left + help + "\n";
    };
    if (!positionals.empty())
    {
        text += "\narguments:\n";
        for (const auto& p : positionals)
            text += row(p.name, p.help);
    }
    text += "\noptions:\n";
    for (const auto& o : options)
        text += row("--" + o.name + (o.takesValue ? " " + o.valueName : std::string{}),
                    o.help + (o.repeatable ? " (repeatable)" : ""));
    text += row("-h, --help", "show this help and exit");
    if (!epilogText.empty())
        text += "\n" + epilogText + (epilogText.back() == '\n' ? "" : "\n");
    return text;
}

} // namespace capstan::cli

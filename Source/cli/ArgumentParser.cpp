#include "ArgumentParser.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>

namespace capstan::cli
{

namespace
{
std::string formatNumber(double value, NumberKind kind)
{
    char text[32];
    if (kind == NumberKind::bitRate)
        for (const auto& [scale, suffix] : {std::pair{1e9, "G"}, {1e6, "M"}, {1e3, "k"}})
            if (value >= scale && std::fmod(value, scale) == 0)
            {
                std::snprintf(text, sizeof(text), "%.0f%s", value / scale, suffix);
                return text;
            }
    std::snprintf(text, sizeof(text), kind == NumberKind::real || kind == NumberKind::duration ? "%g" : "%.0f", value);
    return text;
}

/** ffmpeg's time duration syntax: [-][HH:]MM:SS[.m...] or [-]S+[.m...][s|ms|us]. */
std::optional<double> parseDuration(std::string_view text)
{
    double scale = 1;
    for (const auto& [suffix, factor] : {std::pair{"ms", 1e-3}, {"us", 1e-6}, {"s", 1.0}})
        if (text.size() > std::string_view(suffix).size() && text.ends_with(suffix))
        {
            scale = factor;
            text.remove_suffix(std::string_view(suffix).size());
            break;
        }
    const bool negative = !text.empty() && text.front() == '-';
    if (negative)
        text.remove_prefix(1);
    double seconds = 0;
    int fields = 0;
    while (true)
    {
        const auto colon = text.find(':');
        const std::string_view field = text.substr(0, colon);
        double value = 0;
        const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
        if (field.empty() || error != std::errc() || end != field.data() + field.size() || !std::isfinite(value) ||
            value < 0 || field.front() == '+')
            return std::nullopt;
        // Minutes and seconds after a colon are below 60, and only the last field may have a fraction.
        if (fields > 0 && value >= 60)
            return std::nullopt;
        seconds = seconds * 60 + value;
        ++fields;
        if (colon == std::string_view::npos)
            break;
        if (value != std::floor(value) || fields == 3)
            return std::nullopt;
        text.remove_prefix(colon + 1);
    }
    if (fields > 1 && scale != 1)
        return std::nullopt; // "1:30ms" means nothing
    return (negative ? -seconds : seconds) * scale;
}

/** The value of `text`, or nothing when it is not a finite number of that kind. */
std::optional<double> parseNumber(const std::string& text, NumberKind kind)
{
    if (text.empty())
        return std::nullopt;
    if (kind == NumberKind::duration)
        return parseDuration(text);
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (kind == NumberKind::integer)
    {
        int64_t value = 0;
        const auto [end, error] = std::from_chars(first, last, value);
        if (error != std::errc() || end != last)
            return std::nullopt;
        return double(value);
    }
    double scale = 1;
    if (kind == NumberKind::bitRate)
    {
        const char suffix = text.back();
        scale = suffix == 'k' || suffix == 'K' ? 1e3 : suffix == 'M' ? 1e6 : suffix == 'G' ? 1e9 : 1;
        if (scale != 1)
            --last;
    }
    double value = 0;
    const auto [end, error] = std::from_chars(first, last, value);
    if (error != std::errc() || end != last || !std::isfinite(value))
        return std::nullopt; // nan, inf, 1e309, trailing garbage
    value *= scale;
    if (kind == NumberKind::bitRate && value != std::floor(value))
        return std::nullopt; // a fraction of a bit per second
    return value;
}
} // namespace

std::string NumberRange::describe() const
{
    return (zeroMeansOff ? "0 (off) or " : "") + formatNumber(minimum, kind) + ".." + formatNumber(maximum, kind);
}

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

std::optional<double> ParsedArguments::getNumber(const std::string& name) const
{
    const auto it = numbers.find(name);
    return it == numbers.end() ? std::nullopt : std::optional<double>(it->second);
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
    return it == positionals.end() || it->second.empty() ? std::string{} : it->second.front();
}

std::vector<std::string> ParsedArguments::positionalValues(const std::string& name) const
{
    const auto it = positionals.find(name);
    return it == positionals.end() ? std::vector<std::string>{} : it->second;
}

void ParsedArguments::add(const Occurrence& occurrence)
{
    order.push_back(occurrence);
    if (occurrence.positional)
    {
        positionals[occurrence.name].push_back(occurrence.value);
        return;
    }
    auto& slot = values[occurrence.name];
    if (!occurrence.repeatable)
        slot.clear();
    slot.push_back(occurrence.value);
    if (occurrence.number)
        numbers[occurrence.name] = *occurrence.number;
}

ParsedArguments ParsedArguments::forListItem(const std::string& listName, size_t index,
                                             const std::set<std::string>& local) const
{
    ParsedArguments item;
    item.help = help;
    size_t seen = 0; // values of the list passed so far
    for (const auto& occurrence : order)
    {
        if (occurrence.positional && occurrence.name == listName)
        {
            if (seen++ == index)
                item.add(occurrence);
        }
        else if (occurrence.positional || local.count(occurrence.name) == 0 || seen == index)
            item.add(occurrence);
    }
    return item;
}

std::vector<std::string> ParsedArguments::optionsAfterList(const std::string& listName,
                                                           const std::set<std::string>& local) const
{
    std::vector<std::string> names;
    for (auto it = order.rbegin(); it != order.rend() && !(it->positional && it->name == listName); ++it)
        if (!it->positional && local.count(it->name) > 0)
            names.insert(names.begin(), it->name);
    return names;
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

ArgumentParser& ArgumentParser::positionalList(const std::string& name, const std::string& help)
{
    positionals.push_back({name, {}, help, false, false, true, {}, std::nullopt, true});
    return *this;
}

ArgumentParser& ArgumentParser::flag(const std::string& name, const std::string& help, const std::string& shortName)
{
    options.push_back({name, {}, help, false, false, false, shortName, std::nullopt});
    return *this;
}

ArgumentParser& ArgumentParser::number(const std::string& name, const std::string& valueName, const std::string& help,
                                       NumberRange range, const std::string& shortName)
{
    options.push_back({name, valueName, help, true, false, false, shortName, range});
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

const ArgumentParser::Spec* ArgumentParser::findShort(const std::string& name) const
{
    const auto it = std::find_if(options.begin(), options.end(),
                                 [&](const Spec& s) { return !s.shortName.empty() && s.shortName == name; });
    return it == options.end() ? nullptr : &*it;
}

ParsedArguments ArgumentParser::parse(const std::vector<std::string>& args) const
{
    ParsedArguments parsed;
    std::vector<size_t> free; // where each positional value sits in parsed.order, named once all are known
    bool optionsEnded = false;

    for (size_t i = 0; i < args.size(); ++i)
    {
        const std::string& arg = args[i];
        if (optionsEnded || arg == "-" || arg.size() < 2 || arg[0] != '-')
        {
            free.push_back(parsed.order.size());
            parsed.order.push_back({.value = arg, .positional = true});
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
        std::string name;
        std::optional<std::string> inlineValue;
        const Spec* spec = nullptr;
        if (arg.rfind("--", 0) != 0)
        {
            // A short alias (-y, -t 10) stands for its long option; negative numbers are values, never options.
            spec = findShort(arg.substr(1));
            if (spec == nullptr)
                throw UsageError("unknown option '" + arg + "' for " + command + " (see " + command + " --help)");
            name = spec->name;
        }
        else
        {
            name = arg.substr(2);
            if (const auto equals = name.find('='); equals != std::string::npos)
            {
                inlineValue = name.substr(equals + 1);
                name.resize(equals);
            }
            spec = findOption(name);
        }
        if (spec == nullptr)
            throw UsageError("unknown option '--" + name + "' for " + command + " (see " + command + " --help)");

        if (!spec->takesValue)
        {
            if (inlineValue)
                throw UsageError("--" + name + " takes no value");
            parsed.add({.name = name});
            continue;
        }
        std::string value;
        if (inlineValue)
            value = *inlineValue;
        else if (i + 1 < args.size())
            value = args[++i];
        else
            throw UsageError("--" + name + " needs a value (" + spec->valueName + ")");
        std::optional<double> numberValue;
        if (spec->range)
        {
            // Checked here, before any command opens anything; out of range is refused, never clamped.
            const NumberRange& range = *spec->range;
            const auto number = parseNumber(value, range.kind);
            const bool accepted = number && ((*number >= range.minimum && *number <= range.maximum) ||
                                             (range.zeroMeansOff && *number == 0));
            if (!accepted)
                throw UsageError("--" + name + " takes " +
                                 (range.kind == NumberKind::integer ? "an integer"
                                  : range.kind == NumberKind::real  ? "a number"
                                  : range.kind == NumberKind::duration
                                      ? "a time (seconds, e.g. 90, 1.5, 500ms, 1:30 or 01:02:03.25)"
                                      : "bits per second (e.g. 192000, 192k, 1.5M)") +
                                 " in " + range.describe() + ", got '" + value + "'");
            numberValue = *number;
        }
        parsed.add({.name = name, .value = value, .number = numberValue, .repeatable = spec->repeatable});
    }

    size_t index = 0;
    for (const auto& spec : positionals)
    {
        if (index >= free.size())
        {
            if (spec.required)
                throw UsageError(command + " needs " + spec.name + " (see " + command + " --help)");
            continue;
        }
        do
        {
            auto& occurrence = parsed.order[free[index++]];
            occurrence.name = spec.name;
            parsed.positionals[spec.name].push_back(occurrence.value);
        } while (spec.list && index < free.size());
    }
    if (index < free.size())
        throw UsageError("unexpected argument '" + parsed.order[free[index]].value + "' for " + command + " (see " +
                         command + " --help)");
    return parsed;
}

std::string ArgumentParser::helpText() const
{
    std::string text = "usage: " + command;
    if (!options.empty())
        text += " [options]";
    for (const auto& p : positionals)
        text += p.list ? " " + p.name + " [" + p.name + " ...]" : p.required ? " " + p.name : " [" + p.name + "]";
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
        text += row((o.shortName.empty() ? "" : "-" + o.shortName + ", ") + "--" + o.name +
                        (o.takesValue ? " " + o.valueName : std::string{}),
                    o.help + (o.repeatable ? " (repeatable)" : "") +
                        (o.range ? " [" + o.range->describe() + "]" : std::string{}));
    text += row("-h, --help", "show this help and exit");
    if (!epilogText.empty())
        text += "\n" + epilogText + (epilogText.back() == '\n' ? "" : "\n");
    return text;
}

} // namespace capstan::cli

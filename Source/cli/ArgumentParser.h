#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace capstan::cli
{

/** A mistake in how a command was called: the tool prints it on one line and exits with code 2. */
class UsageError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/** How a numeric option's text is read. */
enum class NumberKind
{
    integer, ///< decimal digits, optional sign
    real,    ///< a finite decimal number (nan, inf and overflowing ones are refused)
    bitRate, ///< bits per second: an integer, or a number with a k, M or G suffix ("192k", "1.5M")
    duration ///< seconds, as ffmpeg writes them: "90", "1.5", "500ms", "1:30", "01:02:03.25"
};

/** The accepted values of a numeric option; `zeroMeansOff` also accepts 0 below `minimum` (e.g. "no split"). */
struct NumberRange
{
    NumberKind kind = NumberKind::integer;
    double minimum = 0;
    double maximum = 0;
    bool zeroMeansOff = false;

    /** "1000..768000", "0 (off) or 1..1e+07", "1k..20M". */
    std::string describe() const;
};

/** What the command line said, by option name (without the leading dashes). */
class ParsedArguments
{
public:
    bool helpRequested() const { return help; }
    bool has(const std::string& name) const;
    /** The last value given for an option, or `fallback`. */
    std::string get(const std::string& name, const std::string& fallback = {}) const;
    std::optional<std::string> getOptional(const std::string& name) const;
    /** Every value of a repeatable option, in order. */
    std::vector<std::string> getAll(const std::string& name) const;
    /** An integer option within [minimum, maximum]; a UsageError names the option and the range otherwise. */
    std::optional<int64_t> getInt(const std::string& name, int64_t minimum, int64_t maximum) const;
    /** A number() option's value, already checked against its range by ArgumentParser::parse(). */
    std::optional<double> getNumber(const std::string& name) const;
    /** A KEY=VALUE option (repeatable), split at the first '='. */
    std::vector<std::pair<std::string, std::string>> getKeyValues(const std::string& name) const;
    /** A positional argument by name; empty when it was optional and not given. */
    std::string positional(const std::string& name) const;

private:
    friend class ArgumentParser;
    bool help = false;
    std::map<std::string, std::vector<std::string>> values;
    std::map<std::string, double> numbers;
    std::map<std::string, std::string> positionals;
};

/** A small parser for one command: `--name VALUE`, `--name=VALUE`, flags, positionals, `--` and `-h/--help`. */
class ArgumentParser
{
public:
    /** `command` as the user types it (e.g. "capstan encode"); `summary` is the one-line description. */
    ArgumentParser(std::string command, std::string summary);

    ArgumentParser& positional(const std::string& name, const std::string& help, bool required = true);
    /** A flag; `shortName` is an optional one-dash alias such as "y" for -y. */
    ArgumentParser& flag(const std::string& name, const std::string& help, const std::string& shortName = {});
    ArgumentParser& option(const std::string& name, const std::string& valueName, const std::string& help,
                           bool repeatable = false);
    /** A numeric option: --help shows `range`, and parse() refuses a value outside it (never clamps). */
    ArgumentParser& number(const std::string& name, const std::string& valueName, const std::string& help,
                           NumberRange range, const std::string& shortName = {});
    /** Free text shown after the option list (examples, notes). */
    ArgumentParser& epilog(const std::string& text);

    ParsedArguments parse(const std::vector<std::string>& args) const;
    std::string helpText() const;

private:
    struct Spec
    {
        std::string name, valueName, help;
        bool takesValue = false, repeatable = false, required = true;
        std::string shortName;
        std::optional<NumberRange> range;
    };
    const Spec* findOption(const std::string& name) const;
    const Spec* findShort(const std::string& name) const;

    std::string command, summary, epilogText;
    std::vector<Spec> options, positionals;
};

} // namespace capstan::cli

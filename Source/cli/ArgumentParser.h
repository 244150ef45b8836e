#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
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
    /** A positional argument by name; empty when it was optional and not given. For a positionalList(), the first
        of its values. */
    std::string positional(const std::string& name) const;
    /** Every value of a positionalList(), in order (one value for an ordinary positional). */
    std::vector<std::string> positionalValues(const std::string& name) const;

    /** ffmpeg's rule for a command with several outputs: the arguments as the `index`-th value of the positional list
        `listName` sees them. Options named in `local` keep only what was written after the previous value of the
        list and before this one; every other option is kept whole; the list holds this one value. */
    ParsedArguments forListItem(const std::string& listName, size_t index, const std::set<std::string>& local) const;
    /** Options named in `local` that were written after the last value of the positional list `listName`. */
    std::vector<std::string> optionsAfterList(const std::string& listName, const std::set<std::string>& local) const;

private:
    friend class ArgumentParser;
    /** One option or positional as it was written, in command-line order (what forListItem() replays). */
    struct Occurrence
    {
        std::string name, value; ///< a positional's name is filled in once positionals are assigned
        std::optional<double> number;
        bool repeatable = false, positional = false;
    };
    void add(const Occurrence& occurrence);

    bool help = false;
    std::map<std::string, std::vector<std::string>> values;
    std::map<std::string, double> numbers;
    std::map<std::string, std::vector<std::string>> positionals;
    std::vector<Occurrence> order;
};

/** A small parser for one command: `--name VALUE`, `--name=VALUE`, flags, positionals, `--` and `-h/--help`. */
class ArgumentParser
{
public:
    /** `command` as the user types it (e.g. "capstan encode"); `summary` is the one-line description. */
    ArgumentParser(std::string command, std::string summary);

    ArgumentParser& positional(const std::string& name, const std::string& help, bool required = true);
    /** The last positional, taking one or more values ("OUTPUT [OUTPUT ...]"); read them with positionalValues(). */
    ArgumentParser& positionalList(const std::string& name, const std::string& help);
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
        bool list = false; ///< a positional taking every remaining value
    };
    const Spec* findOption(const std::string& name) const;
    const Spec* findShort(const std::string& name) const;

    std::string command, summary, epilogText;
    std::vector<Spec> options, positionals;
};

} // namespace capstan::cli

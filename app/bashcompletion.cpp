#include "bashcompletion.h"

namespace PipeScope::App {

namespace {

// The part of the script that is the same for every build: it walks the words typed so far
// and asks the generated tables below what may come next.
const char *const engine = R"BASH(
# PIDs (pid) or PID:FD pairs (pidfd) of pipe and FIFO ends: /proc/PID/fd links whose target
# is a FIFO inode (-xtype p follows the link as stat(2) does). Processes that are gone by
# now (find itself, this shell's subshells) are left out.
_pipescope_holders() {
    local -a pairs live=()
    mapfile -t pairs < <(find /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 -xtype p \
                             -printf '%h:%f\n' 2>/dev/null)
    local pair pid
    for pair in "${pairs[@]}"; do
        pid=${pair#/proc/}
        pid=${pid%%/*}
        [[ -d /proc/$pid ]] || continue
        if [[ $1 == pid ]]; then live+=("$pid"); else live+=("$pid:${pair##*:}"); fi
    done
    printf '%s\n' "${live[@]}" | sort -u
}

_pipescope_add_kind() { # $1 kind, $2 the word being completed
    case $1 in
        pid|pidfd) _pipescope_words+=($(_pipescope_holders "$1")) ;;
        lesson) _pipescope_words+=($_pipescope_lessons) ;;
        command) _pipescope_words+=($_pipescope_commands) ;;
        file) _pipescope_files=1 ;;
    esac
}

# What positional argument number ${#positional[@]} may be, in each alternative of the usage
# whose literal words match those typed.
_pipescope_add_positional() { # $1 command, then the positional words typed
    local command=$1 alternative slot part i
    shift
    local -a typed=("$@") slots
    while IFS= read -r alternative; do
        read -ra slots <<<"$alternative"
        local matches=1
        for ((i = 0; i < ${#typed[@]}; i++)); do
            slot=${slots[i]:-${slots[-1]}}
            [[ $i -ge ${#slots[@]} && ${slots[-1]} != *... ]] && { matches=0; break; }
            [[ $slot == *@* || $slot == *... ]] && continue
            [[ "|$slot|" == *"|${typed[i]}|"* ]] || { matches=0; break; }
        done
        ((matches)) || continue
        slot=${slots[${#typed[@]}]:-}
        [[ -z $slot && ${slots[-1]:-} == *... ]] && slot=${slots[-1]}
        local IFS='|'
        for part in ${slot%...}; do
            if [[ $part == @* ]]; then _pipescope_add_kind "${part#@}"; else _pipescope_words+=("$part"); fi
        done
        unset IFS
    done < <(_pipescope_syntax "$command")
}

_pipescope() {
    local line=${COMP_LINE:0:COMP_POINT}
    local cur=${line##*[[:space:]]}
    local -a words positional=()
    read -ra words <<<"${line:0:${#line}-${#cur}}"
    local command='' value_kind='' i word
    for ((i = 1; i < ${#words[@]}; i++)); do
        word=${words[i]}
        if [[ $word == -* ]]; then
            if [[ $word != *=* ]] && _pipescope_value_kind "$command" "$word"; then
                if ((i + 1 == ${#words[@]})); then value_kind=$_pipescope_reply; else ((i++)); fi
            fi
        elif [[ -z $command && ${#positional[@]} -eq 0 && " $_pipescope_commands " == *" $word "* ]]; then
            command=$word
        else
            positional+=("$word")
        fi
    done
    _pipescope_words=()
    _pipescope_files=0
    if [[ -n $value_kind ]]; then
        _pipescope_add_kind "$value_kind"
    elif [[ $cur == -* ]]; then
        _pipescope_words=($(_pipescope_options "$command"))
    else
        [[ -z $command && ${#positional[@]} -eq 0 ]] && _pipescope_words+=($_pipescope_commands)
        _pipescope_add_positional "$command" "${positional[@]}"
    fi
    COMPREPLY=($(compgen -W "${_pipescope_words[*]}" -- "$cur"))
    if ((_pipescope_files)); then
        compopt -o filenames 2>/dev/null
        local file
        while IFS= read -r file; do COMPREPLY+=("$file"); done < <(compgen -f -- "$cur")
    fi
    # bash completes only the part after the last ':' when ':' breaks words (the default).
    if [[ $cur == *:* && $COMP_WORDBREAKS == *:* ]]; then
        local prefix=${cur%"${cur##*:}"}
        for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=${COMPREPLY[i]#"$prefix"}; done
    fi
}

complete -F _pipescope pipescope
)BASH";

QString quoted(const QString &text)
{
    QString out = text;
    out.replace(u'\'', QLatin1String("'\\''"));
    return u'\'' + out + u'\'';
}

QString slotText(const CompletionSlot &slot)
{
    QStringList parts = slot.words;
    for (ValueKind kind : slot.kinds)
        parts << u'@' + kindName(kind);
    if (parts.isEmpty())
        parts << QStringLiteral("@text");
    return parts.join(u'|') + (slot.repeats ? QStringLiteral("...") : QString());
}

QString optionsFunction(const CompletionSpec &spec)
{
    QString out = QStringLiteral("_pipescope_options() { # $1: a command, '' for pipescope itself\n"
                                 "    case $1 in\n");
    for (const CompletionCommand &command : spec.commands) {
        QStringList names;
        for (const CompletionOption &option : command.options)
            names << option.names;
        out += QStringLiteral("        %1) echo %2 ;;\n").arg(quoted(command.name), quoted(names.join(u' ')));
    }
    return out + QStringLiteral("    esac\n}\n");
}

QString valueKindFunction(const CompletionSpec &spec)
{
    QString out = QStringLiteral("# Sets _pipescope_reply to the kind of value option $2 of command $1 takes;\n"
                                 "# fails for a flag.\n"
                                 "_pipescope_value_kind() {\n    case \"$1/$2\" in\n");
    for (const CompletionCommand &command : spec.commands) {
        for (const CompletionOption &option : command.options) {
            if (!option.takesValue)
                continue;
            QStringList patterns;
            for (const QString &name : option.names)
                patterns << quoted(command.name + u'/' + name);
            out += QStringLiteral("        %1) _pipescope_reply=%2 ;;\n").arg(patterns.join(u'|'), kindName(option.kind));
        }
    }
    return out + QStringLiteral("        *) return 1 ;;\n    esac\n}\n");
}

QString syntaxFunction(const CompletionSpec &spec)
{
    QString out = QStringLiteral("# The positional arguments of command $1: a line per alternative of its usage, a\n"
                                 "# word per argument: literal words and @kinds separated by '|', '...' repeats.\n"
                                 "_pipescope_syntax() {\n    case $1 in\n");
    for (const CompletionCommand &command : spec.commands) {
        QStringList lines;
        for (const QList<CompletionSlot> &alternative : command.alternatives) {
            QStringList slots;
            for (const CompletionSlot &slot : alternative)
                slots << slotText(slot);
            lines << quoted(slots.join(u' '));
        }
        if (!lines.isEmpty())
            out += QStringLiteral("        %1) printf '%s\\n' %2 ;;\n").arg(quoted(command.name), lines.join(u' '));
    }
    return out + QStringLiteral("    esac\n}\n");
}

} // namespace

QString bashCompletion(const CompletionSpec &spec)
{
    QStringList names;
    for (const CompletionCommand &command : spec.commands.mid(1))
        names << command.name;
    QString out = QStringLiteral("# bash completion for pipescope(1). Generated by `pipescope --help-completion bash`\n"
                                 "# from the commands' own --help: do not edit.\n\n");
    out += QStringLiteral("_pipescope_commands=%1\n").arg(quoted(names.join(u' ')));
    out += QStringLiteral("_pipescope_lessons=%1\n\n").arg(quoted(spec.lessons.join(u' ')));
    out += optionsFunction(spec) + u'\n' + valueKindFunction(spec) + u'\n' + syntaxFunction(spec);
    return out + QLatin1String(engine);
}

} // namespace PipeScope::App

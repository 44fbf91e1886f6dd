#include "lessonrunner.h"

#include "lessoncontext.h"
#include "lessonlogging.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QPointer>

namespace PipeScope {

LessonRunner::LessonRunner(const Lesson &lesson, QObject *parent)
    : QObject(parent), m_lesson(lesson), m_context(std::make_unique<LessonContext>())
{
}

LessonRunner::~LessonRunner() = default;

bool LessonRunner::allMatch() const
{
    return atEnd() && matchCount() == stepCount();
}

int LessonRunner::matchCount() const
{
    int count = 0;
    for (const Observation &observation : m_observations)
        count += observation.matches ? 1 : 0;
    return count;
}

bool LessonRunner::runNextStep()
{
    if (m_running || atEnd())
        return false;
    const int index = nextStep();
    const Step &step = m_lesson.steps.at(index);
    m_running = true;
    Q_EMIT stepStarted(index);
    // The step spins nested event loops: a slot connected to them may delete this runner.
    QPointer<LessonRunner> self(this);
    QElapsedTimer clock;
    clock.start();
    Observation observation = step.run
        ? step.run(*m_context)
        : Observation::failure(QStringLiteral("step has no run function"));
    if (!self)
        return false;
    observation.elapsedMs = clock.elapsed();
    qCDebug(lcLessons) << m_lesson.id << index << step.title << "->" << observation.observed
                       << (observation.matches ? "matches" : "differs") << observation.elapsedMs
                       << "ms";
    m_observations.append(observation);
    m_running = false;
    Q_EMIT stepFinished(index, observation);
    if (self && atEnd())
        Q_EMIT finished(allMatch());
    return true;
}

void LessonRunner::runAll()
{
    QPointer<LessonRunner> self(this);
    while (self && runNextStep()) { }
}

void LessonRunner::restart()
{
    if (m_running)
        return;
    m_context = std::make_unique<LessonContext>(); // the old one kills and reaps its children
    m_observations.clear();
    Q_EMIT contextChanged();
}

QJsonObject LessonRunner::toJson() const
{
    QJsonArray steps;
    for (int i = 0; i < m_observations.size(); ++i) {
        const Step &step = m_lesson.steps.at(i);
        const Observation &observation = m_observations.at(i);
        steps.append(QJsonObject {
            {QStringLiteral("index"), i + 1},
            {QStringLiteral("title"), step.title},
            {QStringLiteral("explanation"), step.explanation},
            {QStringLiteral("prediction"), step.prediction},
            {QStringLiteral("predictionOnThisMachine"), observation.prediction},
            {QStringLiteral("observed"), observation.observed},
            {QStringLiteral("matches"), observation.matches},
            {QStringLiteral("why"), observation.why},
            {QStringLiteral("elapsedMs"), observation.elapsedMs},
            {QStringLiteral("values"), QJsonObject::fromVariantMap(observation.values)},
        });
    }
    return QJsonObject {
        {QStringLiteral("id"), m_lesson.id},           {QStringLiteral("title"), m_lesson.title},
        {QStringLiteral("summary"), m_lesson.summary}, {QStringLiteral("stepCount"), stepCount()},
        {QStringLiteral("matches"), allMatch()},       {QStringLiteral("steps"), steps},
    };
}

} // namespace PipeScope

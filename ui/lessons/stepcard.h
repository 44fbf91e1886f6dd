#pragma once
/// \file stepcard.h
/// One lesson step on the Lessons page: its title and explanation, then the prediction and
/// the observation side by side. The prediction stays hidden until the step has run (or the
/// student presses "Show the prediction"), so the student makes their own first; once the
/// step ran, what was predicted and what the kernel did are next to each other, with the
/// verdict (✓ / ✗) and why below.

#include <QWidget>

class QLabel;
class QPushButton;

namespace PipeScope {
struct Observation;
struct Step;
} // namespace PipeScope

namespace PipeScope::Ui {

class StepCard : public QWidget {
    Q_OBJECT
public:
    explicit StepCard(QWidget *parent = nullptr);

    /// Shows step \a index of \a count; \a observation is null while it has not run.
    void showStep(const Step &step, int index, int count, const Observation *observation);
    /// The shown step is running now.
    void setRunning();
    /// Shows the prediction of a step that has not run yet (the student asked).
    void revealPrediction();
    bool isPredictionShown() const { return m_predictionShown; }
    /// A new run: no prediction of a step not run yet is shown any more.
    void forgetReveals() { m_revealedStep = -1; }

    /// The texts on screen ("" while hidden), for tests and screen readers.
    QString explanationText() const;
    QString predictionText() const;
    QString observedText() const;
    QString whyText() const;
    QString verdictText() const;
    QPushButton *revealButton() const { return m_reveal; }

private:
    void buildLayout();
    void showPrediction(bool shown);
    void showVerdict(const Observation &observation);

    bool m_predictionShown = false;
    int m_index = -1;
    int m_revealedStep = -1; ///< the step not run yet whose prediction was asked for
    QLabel *m_title;
    QLabel *m_explanation;
    QLabel *m_hint;
    QPushButton *m_reveal;
    QLabel *m_prediction;
    QLabel *m_machinePrediction;
    QLabel *m_verdict;
    QLabel *m_observed;
    QLabel *m_why;
};

} // namespace PipeScope::Ui

#include "sweep/sweeper.h"

namespace mosaic::internal {

void Sweeper::Start(bool minor) {
  spaces_.blocks().StartLazySweep(minor);
  spaces_.large().StartLazySweep();
}

void Sweeper::SweepAll() {
  spaces_.large().SweepIfPending();
  spaces_.blocks().SweepAll();
}

void Sweeper::Finish() {
  spaces_.large().SweepIfPending();
  spaces_.blocks().FinishSweeping();
}

}  // namespace mosaic::internal

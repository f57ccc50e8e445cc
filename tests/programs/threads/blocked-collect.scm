; flags: --gc-options=watchdog-ms=20000,watchdog-action=abort
; stress: stress=10,verify=1
; Threads blocked in a mutex wait, a condition-variable wait, a join and a sleep are in native
; regions: collections do not wait for them (the watchdog would stop the process).
(define m (make-mutex))
(define cv-m (make-mutex))
(define cv (make-condition-variable))
(define go #f)
(mutex-lock! m)
(define locker (thread-start! (make-thread (lambda () (mutex-lock! m) (mutex-unlock! m) 'locked))))
(define waiter
  (thread-start!
   (make-thread
    (lambda ()
      (mutex-lock! cv-m)
      (let wait () (unless go (condition-variable-wait! cv cv-m) (wait)))
      (mutex-unlock! cv-m)
      'signalled))))
(define sleeper (thread-start! (make-thread (lambda () (thread-sleep! 0.3) 'slept))))
(define joiner (thread-start! (make-thread (lambda () (list 'joined (thread-join! sleeper))))))
(thread-sleep! 0.05)
(define (garbage n) (if (= n 0) '() (cons (make-vector 10 n) (garbage (- n 1)))))
(do ((i 0 (+ i 1))) ((= i 20)) (garbage 1000) (collect))
(mutex-unlock! m)
(mutex-lock! cv-m)
(set! go #t)
(condition-variable-signal! cv)
(mutex-unlock! cv-m)
(display (map thread-join! (list locker waiter joiner))) (newline)

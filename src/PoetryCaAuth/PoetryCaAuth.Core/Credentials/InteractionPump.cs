using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace PoetryCaAuth.Credentials
{
    /// <summary>
    /// Runs slow credential work (SDK sign-ins, credential_process helpers) on a worker thread while the
    /// calling thread waits, so the wait can end on a timeout or Ctrl+C. Questions and notices the work has
    /// for the user (MFA code, SSO sign-in code) are sent back to the calling thread and run there, because
    /// PowerShell accepts host and stream calls only from the pipeline thread. Time spent answering a
    /// question does not count against the timeout.
    /// </summary>
    internal sealed class InteractionPump
    {
        private readonly BlockingCollection<WorkItem> _queue = new BlockingCollection<WorkItem>();
        private readonly int _ownerThread = Environment.CurrentManagedThreadId;
        private readonly object _sync = new object();
        private bool _closed;

        /// <summary>
        /// Runs <paramref name="work"/> and pumps callbacks until it ends. Throws <see cref="TimeoutException"/>
        /// or <see cref="OperationCanceledException"/> when the wait ends first; the work's own exception otherwise.
        /// An abandoned worker keeps running in the background but can no longer reach the user.
        /// </summary>
        public T Run<T>(Func<T> work, TimeSpan timeout, CancellationToken cancel)
        {
            Task<T> task = Task.Run(work);
            // Wakes the loop as soon as the work ends, instead of at the next poll.
            task.ContinueWith(_ => TryAdd(new WorkItem(() => { })), TaskScheduler.Default);
            var budget = Stopwatch.StartNew();
            TimeSpan spentAnswering = TimeSpan.Zero;
            try
            {
                while (!task.IsCompleted)
                {
                    TimeSpan remaining = timeout - (budget.Elapsed - spentAnswering);
                    if (remaining <= TimeSpan.Zero)
                    {
                        throw new TimeoutException();
                    }

                    int wait = (int)Math.Max(1, Math.Min(int.MaxValue, remaining.TotalMilliseconds));
                    if (_queue.TryTake(out WorkItem? item, wait, cancel))
                    {
                        var answering = Stopwatch.StartNew();
                        item.Execute();
                        spentAnswering += answering.Elapsed;
                    }
                }

                return task.GetAwaiter().GetResult();
            }
            finally
            {
                Close();
            }
        }

        /// <summary>Runs <paramref name="question"/> on the waiting thread and returns its answer.</summary>
        public T Invoke<T>(Func<T> question)
        {
            if (Environment.CurrentManagedThreadId == _ownerThread)
            {
                return question();
            }

            T result = default!;
            var item = new WorkItem(() => result = question());
            if (!TryAdd(item))
            {
                throw new OperationCanceledException("Nobody is waiting for an answer any more.");
            }

            item.Wait();
            return result;
        }

        private bool TryAdd(WorkItem item)
        {
            lock (_sync)
            {
                if (_closed) return false;
                _queue.Add(item);
                return true;
            }
        }

        private void Close()
        {
            lock (_sync)
            {
                _closed = true;
            }

            // Release workers still waiting for an answer that will never come.
            while (_queue.TryTake(out WorkItem? pending))
            {
                pending.Abandon();
            }
        }

        private sealed class WorkItem
        {
            private readonly Action _action;
            private readonly ManualResetEventSlim _done = new ManualResetEventSlim();
            private Exception? _error;

            public WorkItem(Action action)
            {
                _action = action;
            }

            public void Execute()
            {
                try
                {
                    _action();
                }
                catch (Exception e)
                {
                    _error = e;
                }
                finally
                {
                    _done.Set();
                }
            }

            public void Abandon()
            {
                _error = new OperationCanceledException("The wait for credentials ended before this question was answered.");
                _done.Set();
            }

            public void Wait()
            {
                _done.Wait();
                if (_error != null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(_error).Throw();
                }
            }
        }
    }
}

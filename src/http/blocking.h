#pragma once
// Runs a blocking call on the thread pool and resumes the awaiting coroutine on its own event loop.
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <type_traits>

namespace shortstack::http {

template <class F, class R = std::invoke_result_t<F&>>
boost::asio::awaitable<R> run_blocking(boost::asio::thread_pool& pool, F fn) {
  return boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void(R)>(
      [&pool](auto handler, F f) {
        auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
        boost::asio::post(pool, [f = std::move(f), handler = std::move(handler), work = std::move(work)]() mutable {
          R result = f();
          auto ex = work.get_executor();
          boost::asio::post(ex, [handler = std::move(handler), result = std::move(result)]() mutable {
            std::move(handler)(std::move(result));
          });
        });
      },
      boost::asio::use_awaitable, std::move(fn));
}

}  // namespace shortstack::http

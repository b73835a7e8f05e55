#include <cmd/cli.hpp>

int main(int argc, char** argv)
{
  return cva::cmd::cli_main(argc, argv);
}
